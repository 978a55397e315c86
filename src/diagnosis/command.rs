//! Commands printed for a person to run. Built from argument vectors and quoted for a POSIX
//! shell in one place, so every printed command is valid exactly as printed.

use serde::{Serialize, Serializer};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    argv: Vec<String>,
}

impl Command {
    /// `aws SERVICE OPERATION`.
    pub fn aws(service: &str, operation: &str) -> Self {
        Self {
            argv: vec!["aws".into(), service.into(), operation.into()],
        }
    }

    /// `--flag value`.
    pub fn arg(mut self, flag: &str, value: impl Into<String>) -> Self {
        self.argv.push(format!("--{flag}"));
        self.argv.push(value.into());
        self
    }

    pub fn argv(&self) -> &[String] {
        &self.argv
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for a in &self.argv {
            if !first {
                f.write_str(" ")?;
            }
            first = false;
            // Quote only when the shell would otherwise split or expand the word.
            match shlex::try_quote(a) {
                Ok(q) => f.write_str(&q)?,
                // Only a NUL byte fails to quote; ids and names never carry one.
                Err(_) => f.write_str(&a.replace('\0', ""))?,
            }
        }
        Ok(())
    }
}

impl Serialize for Command {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_operation_is_printed_as_one_word() {
        let c = Command::aws("apigateway", "update-integration")
            .arg("rest-api-id", "a1b2c3d4e5")
            .arg(
                "patch-operations",
                "op=replace,path=/timeoutInMillis,value=29000",
            );
        assert_eq!(
            c.to_string(),
            "aws apigateway update-integration --rest-api-id a1b2c3d4e5 --patch-operations 'op=replace,path=/timeoutInMillis,value=29000'"
        );
        assert_eq!(shlex::split(&c.to_string()).unwrap(), c.argv());
    }

    #[test]
    fn a_stage_named_dollar_default_is_quoted_so_the_shell_leaves_it_alone() {
        let c = Command::aws("apigatewayv2", "create-deployment").arg("stage-name", "$default");
        assert_eq!(
            c.to_string(),
            "aws apigatewayv2 create-deployment --stage-name '$default'"
        );
        assert_eq!(shlex::split(&c.to_string()).unwrap(), c.argv());
    }

    #[test]
    fn a_value_with_spaces_and_quotes_splits_back_to_itself() {
        let c = Command::aws("apigateway", "create-deployment")
            .arg("description", "gateway-doctor: raise 'timeout'");
        assert_eq!(shlex::split(&c.to_string()).unwrap(), c.argv());
    }
}
