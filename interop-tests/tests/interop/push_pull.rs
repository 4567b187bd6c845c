//! PUSH to PULL, our side playing each role.

socket_pair!(we_push_they_pull: Push with Pull);
socket_pair!(we_pull_they_push: Pull with Push);
