// The `Media` module; see ../shared/DESIGN.md, "Modules".
