//go:build race

package mailthread

// The race detector slows the splitter some thirtyfold.
const adversarialBytes = maxTextBytes / 32
