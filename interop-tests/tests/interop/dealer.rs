//! DEALER against REP and ROUTER, our side playing each role.

socket_pair!(we_dealer_they_rep: Dealer with Rep);
socket_pair!(we_rep_they_dealer: Rep with Dealer);
socket_pair!(we_dealer_they_router: Dealer with Router);
socket_pair!(we_router_they_dealer: Router with Dealer);
