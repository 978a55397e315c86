//! text renderer
