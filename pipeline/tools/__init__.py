"""One module per external tool: each owns its process, its version and its errors."""
