import Commands

EvalFrameMAP.main()
