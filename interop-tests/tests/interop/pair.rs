//! PAIR with PAIR, both sending and receiving at once.

socket_pair!(we_pair_they_pair: Pair with Pair);
