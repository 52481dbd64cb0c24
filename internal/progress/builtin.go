package progress

import (
	"cmp"
	"embed"
	"fmt"
	"io/fs"
	"slices"
)

// builtinFiles holds the programs Recert ships; read-only.
//
//go:embed programs/*.json
var builtinFiles embed.FS

// BuiltIn parses and validates the programs Recert ships (ABCP CCP CEUs and clinical activity;
// the Texas, Pennsylvania, New Jersey, Nebraska, North Carolina, Georgia, Tennessee and Missouri
// licences), sorted by id and version. Each call returns fresh values the caller may modify.
func BuiltIn() ([]Program, error) {
	names, err := fs.Glob(builtinFiles, "programs/*.json")
	if err != nil {
		return nil, err
	}
	out := make([]Program, 0, len(names))
	for _, name := range names {
		data, err := builtinFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		p, err := ParseProgram(data)
		if err != nil {
			return nil, fmt.Errorf("progress: built-in %s: %w", name, err)
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Program) int { return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Version, b.Version)) })
	return out, nil
}
