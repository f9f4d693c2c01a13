import Commands

VideoInfo.main()
