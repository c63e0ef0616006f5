package upload

// Internals under test.
var (
	SplitTarget   = splitTarget
	ParseChecksum = parseChecksum
)

// TempPrefix begins the name of every temporary upload file.
const TempPrefix = tempPrefix
