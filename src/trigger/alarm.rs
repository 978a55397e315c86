pub fn decode(_v: &[u8]) -> Result<super::Trigger, super::TriggerError> {
    Err(super::TriggerError::Missing("x"))
}
