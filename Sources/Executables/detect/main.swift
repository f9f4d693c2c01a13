import Commands

Detect.main()
