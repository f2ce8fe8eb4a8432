package config

import (
	"errors"
	"io/fs"
	"log/slog"

	"github.com/ifw/ifw/actions/verdict/rules"
	"github.com/ifw/ifw/actions/whitelist"
	sigrules "github.com/ifw/ifw/signatures/rules"
)

// Check reads what the configuration names, as the daemon would: the
// signature and auto_dl files, the outbound rules when [verdict] is
// enabled, the whitelist when [block] is; and makes every action (a
// script's program found and checked, a mail action's password file
// read) and closes it again. It returns the signature set; its first
// error is at file:line. It starts nothing: a notify action needs the
// desktop's bus and is made when the daemon starts.
func (c *Config) Check() (*sigrules.Set, error) {
	sigs, err := c.Detect.LoadLists()
	if err != nil {
		return nil, err
	}
	if c.Verdict.Enabled {
		if _, err := rules.NewSet(rules.Options{}).Load(c.Verdict.Module.RulesFile); err != nil {
			return nil, err
		}
	}
	if err := c.checkActions(); err != nil {
		return nil, err
	}
	if c.Block.Enabled {
		if err := checkWhitelist(c.Block.Whitelist); err != nil {
			return nil, err
		}
	}
	return sigs, nil
}

func (c *Config) checkActions() error {
	discard := slog.New(slog.DiscardHandler)
	for i := range c.Actions {
		a := &c.Actions[i]
		if a.Type == "notify" {
			continue
		}
		act, err := a.Build(discard)
		if err != nil {
			return err
		}
		if cl, ok := act.(interface{ Close() error }); ok {
			cl.Close()
		}
	}
	return nil
}

// checkWhitelist parses the whitelist file (a missing one is an empty
// list, as for the daemon); host names are not resolved here.
func checkWhitelist(path string) error {
	data, err := readRegular(path, whitelist.MaxFileSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = whitelist.Parse(path, data)
	return err
}
