import Commands

RenderAnnotations.mainEscapingErrors()
