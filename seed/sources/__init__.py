"""One module per source format in the data folder, each turning its files into `Record`s."""
