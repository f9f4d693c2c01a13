import Commands

EvalVideoMAP.mainEscapingErrors()
