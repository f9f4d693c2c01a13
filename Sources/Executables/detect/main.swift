import Commands

Detect.mainEscapingErrors()
