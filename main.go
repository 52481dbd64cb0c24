// Command recert runs the Recert API. See internal/app for what it does.
package main

import (
	"context"
	"fmt"
	"os"
	_ "time/tzdata" // programs name IANA zones; images may have no zoneinfo

	"github.com/recert-dev/recert/internal/app"
)

func main() {
	if err := app.Run(context.Background(), os.Args, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "recert:", err)
		os.Exit(1)
	}
}
