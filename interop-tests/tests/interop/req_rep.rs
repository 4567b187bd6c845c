//! REQ against REP and ROUTER, our side playing each role.

socket_pair!(we_req_they_rep: Req with Rep);
socket_pair!(we_rep_they_req: Rep with Req);
socket_pair!(we_req_they_router: Req with Router);
socket_pair!(we_router_they_req: Router with Req);
