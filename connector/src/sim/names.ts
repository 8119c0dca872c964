// Names for the simulated world: the seed's three projects and their audiences (Tamil Nadu heavy).

export const FIRST_NAMES = [
    'Murugan', 'Senthil', 'Karthik', 'Lakshmi', 'Priya', 'Ramesh', 'Suresh', 'Anand', 'Vijay', 'Meena',
    'Kavitha', 'Arun', 'Bala', 'Ganesh', 'Saravanan', 'Selvi', 'Divya', 'Prakash', 'Rajesh', 'Mohan',
    'Deepa', 'Revathi', 'Shankar', 'Venkatesh', 'Harini', 'Dinesh', 'Gopal', 'Jaya', 'Kumar', 'Lalitha',
    'Manoj', 'Nandhini', 'Pandian', 'Raja', 'Sathya', 'Thangaraj', 'Uma', 'Velu', 'Yamuna', 'Ilango',
    'Kannan', 'Malar', 'Palani', 'Sundar', 'Geetha', 'Ashok', 'Farida', 'Imran', 'Joseph', 'Mary',
];
export const LAST_NAMES = [
    'K', 'S', 'R', 'M', 'P', 'Kumar', 'Raj', 'Pillai', 'Iyer', 'Nadar', 'Gounder', 'Chettiar', 'Reddy',
    'Naidu', 'Mudaliar', 'Thevar', 'Shetty', 'Rao', 'Khan', 'Fernandes',
];

export interface ProjectWorld {
    project: string;
    owner: string;
    community: string;
    channel: string;
    groups: string[];
    replies: string[];
}

export const PROJECTS: Record<string, ProjectWorld> = {
    PoultryCare: {
        project: 'PoultryCare', owner: 'PoultryCare Support', community: 'PoultryCare Farmers Community',
        channel: 'PoultryCare Tips',
        groups: ['TN Broiler Farmers', 'South India Poultry', 'Namakkal Layer Farmers', 'Erode Poultry Network',
            'Coimbatore Broiler Traders', 'Salem Country Chicken Farmers', 'Poultry Feed & Medicine Updates',
            'Tamil Nadu Hatchery Owners', 'Pollachi Poultry Farmers'],
        replies: ['What is the price?', 'Rate for 1000 chicks?', 'Is it available in Namakkal?', 'Send details please',
            'Vaccine schedule enna?', 'Interested', 'Delivery to Palladam possible?', 'Thank you sir', 'Feed price kammi pannunga'],
    },
    Restopi: {
        project: 'Restopi', owner: 'Restopi', community: 'Restopi Restaurant Partners', channel: 'Restopi Updates',
        groups: ['Chennai Restaurant Owners', 'Cloud Kitchen Network', 'Bangalore Food Entrepreneurs',
            'Madurai Hotel Owners Association', 'Coimbatore Cafe Owners', 'Hyderabad Biryani Restaurants',
            'South Indian Tiffin Centres', 'QSR Franchise Owners India', 'Trichy Mess & Hotels'],
        replies: ['How much per month?', 'Does it work with Swiggy?', 'Demo possible tomorrow?', 'Send details',
            'Interested', 'We already use a POS', 'Call me after 4 pm', 'Thanks', 'Tamil la explain pannunga'],
    },
    Textopi: {
        project: 'Textopi', owner: 'Textopi', community: 'Textopi Retailers Circle', channel: 'Textopi Trends',
        groups: ['Tiruppur Textile Traders', 'Erode Handloom Sellers', 'Surat Saree Wholesalers',
            'Kanchipuram Silk Sellers', 'Chennai T.Nagar Garment Shops', 'Karur Home Textile Exporters',
            'Salem Handloom Weavers', 'Coimbatore Readymade Garments', 'Madurai Sungudi Sellers'],
        replies: ['Catalogue send pannunga', 'Wholesale rate?', 'Minimum order?', 'Interested', 'GST bill kidaikuma?',
            'Send price list', 'Thank you', 'COD available?', 'Need 200 pieces'],
    },
};

/** Which demo number hosts which audiences. 001–003: one production number per project; 004 is the
 *  backup (a few groups of each project); 005 is warming up (two small groups). */
export const DEMO_NUMBERS: Record<string, { name: string; projects: string[]; groups: number; warm?: boolean }> = {
    '+919800000001': { name: 'PoultryCare Support', projects: ['PoultryCare'], groups: 9 },
    '+919800000002': { name: 'Restopi', projects: ['Restopi'], groups: 9 },
    '+919800000003': { name: 'Textopi', projects: ['Textopi'], groups: 9 },
    '+919800000004': { name: 'Sangam Backup', projects: ['PoultryCare', 'Restopi', 'Textopi'], groups: 2 },
    '+919800000005': { name: 'Sangam Warm-up', projects: ['PoultryCare', 'Textopi'], groups: 1, warm: true },
};

export const STOP_TEXTS = ['STOP', 'please remove me', 'Unsubscribe', 'Stop sending messages', 'remove me from this list'];
export const REACTIONS = ['👍', '❤️', '🙏', '😂', '🔥', '👌'];
export const GENERIC_REPLIES = ['Ok', 'Thanks', 'Interested', 'Details please', 'Price?', '👍'];
