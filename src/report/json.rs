//! json renderer
