// The `Networks` module; see ../shared/DESIGN.md, "Modules".
