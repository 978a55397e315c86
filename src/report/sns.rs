//! sns renderer
