//! slack renderer
