import Commands

FlowCommand.main()
