import Commands

EvalFrameMAP.mainEscapingErrors()
