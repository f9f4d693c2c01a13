import Commands

MakeSyntheticActions.mainEscapingErrors()
