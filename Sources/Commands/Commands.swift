// The `Commands` module; see ../shared/DESIGN.md, "Modules".
