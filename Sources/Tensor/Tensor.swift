// The `Tensor` module; see ../shared/DESIGN.md, "Modules".
