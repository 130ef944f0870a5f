//go:build !race

package mailthread

// adversarialBytes is the size of the hostile bodies; a quadratic splitter
// would need minutes for it, a linear one well under a second.
const adversarialBytes = maxTextBytes / 2
