import Commands

VideoInfo.mainEscapingErrors()
