// The QSLConfigAWS target's sources land in a later change.
