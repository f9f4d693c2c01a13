// The `Detection` module; see ../shared/DESIGN.md, "Modules".
