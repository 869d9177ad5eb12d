package main

import "runtime/debug"

// moduleVersion is the version of a dependency as built into the binary (go.mod pins it).
func moduleVersion(path string) string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, d := range info.Deps {
			if d.Path == path {
				return d.Version
			}
		}
	}
	return "unknown"
}
