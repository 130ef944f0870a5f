package german

import "log/slog"

// LoadOrNone loads the word list at path; without one ("" or "none", or
// a file that cannot be read, which is logged) it returns nil: compound
// words are then not split, and search still works, only finds less.
func LoadOrNone(path string, log *slog.Logger) *Splitter {
	if path == "" || path == "none" {
		return nil
	}
	sp, err := Load(path)
	if err != nil {
		log.Warn("German word list not available: compound words are not split", "path", path, "err", err)
		return nil
	}
	return sp
}
