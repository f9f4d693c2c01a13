// The `Evaluation` module; see ../shared/DESIGN.md, "Modules".
