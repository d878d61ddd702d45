// The QSLConfigSchema target's sources land in a later change.
