import Commands

Train.mainEscapingErrors()
