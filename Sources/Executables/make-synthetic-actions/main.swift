import Commands

MakeSyntheticActions.main()
