import Commands

EvalVideoMAP.main()
