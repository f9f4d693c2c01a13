print("render-annotations: not built yet")
