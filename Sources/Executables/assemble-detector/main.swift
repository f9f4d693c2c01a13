import Commands

AssembleDetector.main()
