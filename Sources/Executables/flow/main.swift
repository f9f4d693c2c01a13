import Commands

FlowCommand.mainEscapingErrors()
