module github.com/ifw/ifw

go 1.26
