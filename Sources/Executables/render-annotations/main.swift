import Commands

RenderAnnotations.main()
