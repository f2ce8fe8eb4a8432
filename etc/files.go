package etc

import _ "embed"

// Signatures is the shipped signature set (etc/signatures, ifw's format).
//
//go:embed signatures
var Signatures []byte
