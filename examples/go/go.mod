module example.com/sharedcounter-example

go 1.19
