import Commands

Train.main()
