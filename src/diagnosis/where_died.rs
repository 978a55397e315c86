//! where_died
