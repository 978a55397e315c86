//! chat renderer
