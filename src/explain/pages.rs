//! Team pages for `render --docs` (filled in below).
