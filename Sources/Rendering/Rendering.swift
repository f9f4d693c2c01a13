// The `Rendering` module; see ../shared/DESIGN.md, "Modules".
