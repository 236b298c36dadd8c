package siting

// LPModel is lpModel for the external tests: MCLP (or, capacitated, the
// capacitated model) over n as an LP file for CBC.
func LPModel(n *Network, pr Problem, capacitated bool) string { return lpModel(n, pr, capacitated) }
