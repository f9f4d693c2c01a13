import Commands

AssembleDetector.mainEscapingErrors()
